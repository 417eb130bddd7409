-- pgvector: idea embeddings live in vector columns with HNSW indexes.
CREATE EXTENSION IF NOT EXISTS vector;
