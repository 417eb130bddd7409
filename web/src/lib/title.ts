// Sets the document title for the current page.
export function setTitle(...parts: (string | null | undefined)[]) {
  document.title = [...parts.filter(Boolean), 'crossfork'].join(' · ');
}
