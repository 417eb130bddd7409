"""OpenAI's /v1/embeddings wire format: request validation, the answer, and error documents.

Shapes and statuses follow OpenAI's API: 400 `invalid_request_error` for a bad request, 404
`model_not_found` for a model this server does not serve, floats or base64 little-endian float32.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

MAX_INPUTS = 2048  # OpenAI's limit of inputs per request
ALLOWED_FIELDS = {"input", "model", "encoding_format", "dimensions", "user"}


class ApiError(Exception):
    """An error answered as OpenAI's `{"error": {message, type, param, code}}`."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None,
                 kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.param, self.code, self.kind = status, message, param, code, kind

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}


@dataclass(frozen=True)
class EmbeddingsRequest:
    model: str
    inputs: list[str]
    encoding_format: str
    dimensions: int | None


def parse_request(body: object, served: dict[str, int]) -> EmbeddingsRequest:
    """Checks a decoded JSON body against `served` (model name → dimensions)."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    unknown = sorted(set(body) - ALLOWED_FIELDS)
    if unknown:
        raise ApiError(400, f"Unrecognized request argument supplied: {unknown[0]}", param=unknown[0])

    model = body.get("model")
    if model is None:
        raise ApiError(400, "you must provide a model parameter", param="model")
    if not isinstance(model, str):
        raise ApiError(400, "'model' must be a string.", param="model")
    if model not in served:
        raise ApiError(404, f"The model `{model}` does not exist or you do not have access to it.",
                       param="model", code="model_not_found")

    inputs = _inputs(body)
    encoding_format = body.get("encoding_format", "float")
    if encoding_format not in ("float", "base64"):
        raise ApiError(400, f"'{encoding_format}' is not one of ['float', 'base64'] - 'encoding_format'",
                       param="encoding_format")

    dimensions = body.get("dimensions")
    if dimensions is not None:
        if isinstance(dimensions, bool) or not isinstance(dimensions, int) or dimensions < 1:
            raise ApiError(400, "'dimensions' must be an integer ≥ 1.", param="dimensions")
        if dimensions != served[model]:
            # These models are not trained to be shortened; OpenAI answers the same for its old ones.
            raise ApiError(400, f"This model does not support specifying dimensions other than its own ({served[model]}).",
                           param="dimensions")
    return EmbeddingsRequest(model, inputs, encoding_format, dimensions)


def _inputs(body: dict) -> list[str]:
    if "input" not in body:
        raise ApiError(400, "'input' is a required property", param="input")
    raw = body["input"]
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise ApiError(400, "'input' must be a string or an array of strings.", param="input")
    if not items:
        raise ApiError(400, "'input' must not be empty.", param="input")
    if len(items) > MAX_INPUTS:
        raise ApiError(400, f"'input' has {len(items)} items; at most {MAX_INPUTS} are allowed.", param="input")
    for i, item in enumerate(items):
        if isinstance(item, (int, list)) and not isinstance(item, bool):
            # Token ids belong to OpenAI's tokenizer; this model's tokenizer could not read them.
            raise ApiError(400, "Token arrays are not supported by this server: send text.", param="input")
        if not isinstance(item, str):
            raise ApiError(400, f"'input[{i}]' must be a string.", param="input")
        if not item:
            raise ApiError(400, f"'input[{i}]' must not be empty.", param="input")
    return items


def embeddings_body(request: EmbeddingsRequest, vectors: np.ndarray, tokens: list[int]) -> dict:
    """The answer: one item per input, in input order."""
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    if request.encoding_format == "base64":
        encoded = [base64.b64encode(row.tobytes()).decode("ascii") for row in vectors]
    else:
        encoded = vectors.astype(np.float64).tolist()  # the exact float32 values
    total = int(sum(tokens))
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": i, "embedding": e} for i, e in enumerate(encoded)],
        "model": request.model,
        "usage": {"prompt_tokens": total, "total_tokens": total},
    }


def models_body(served: dict[str, int], created: int) -> dict:
    return {"object": "list", "data": [model_body(name, created) for name in served]}


def model_body(name: str, created: int) -> dict:
    return {"id": name, "object": "model", "created": created, "owned_by": "crossfork"}
