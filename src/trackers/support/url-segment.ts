// A path segment of a pasted link, percent-decoded. A segment whose escapes are malformed
// ("ENG-1%", "%E0%A4%A") stays as written instead of throwing URIError: it cannot be a key
// either way, and the link's parser refuses it with a message instead of failing the command.

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
