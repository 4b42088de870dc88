// Topic patterns: `*` stands for exactly one segment, a final `>` for one or more segments
// (the NATS rules, so people who know the bus know the feed).

export type Pattern = readonly string[];

export type PatternCheck = { ok: true; pattern: Pattern } | { ok: false; reason: string };

export function parsePattern(text: string): PatternCheck {
  const segments = text.split('.');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === '') return { ok: false, reason: `"${text}": empty segment` };
    if (s === '>' && i !== segments.length - 1) return { ok: false, reason: `"${text}": ">" must be last` };
    if (s !== '*' && s !== '>' && /[*>]/.test(s)) {
      return { ok: false, reason: `"${text}": wildcards must be whole segments` };
    }
  }
  return { ok: true, pattern: segments };
}

/** `topic` is already split; topics never hold wildcards (segments are encoded by topicSegment). */
export function matches(pattern: Pattern, topic: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '>') return topic.length > i;
    if (i >= topic.length) return false;
    if (p !== '*' && p !== topic[i]) return false;
  }
  return pattern.length === topic.length;
}
