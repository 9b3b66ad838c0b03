/** A group of similar unanswered questions: the first (most recent) text stands for the group. */
export interface QuestionGroup<T> {
  representative: T;
  members: T[];
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Greedy single-pass grouping by token Jaccard similarity against each group's representative:
 * O(n · groups), enough for the few hundred fallbacks of a period. Largest groups first.
 */
export function groupSimilar<T>(
  items: T[],
  tokens: (item: T) => string[],
  threshold = 0.5,
): QuestionGroup<T>[] {
  const groups: { key: Set<string>; group: QuestionGroup<T> }[] = [];
  for (const item of items) {
    const set = new Set(tokens(item));
    let best: { key: Set<string>; group: QuestionGroup<T> } | undefined;
    let bestScore = threshold;
    for (const g of groups) {
      const score = jaccard(set, g.key);
      if (score >= bestScore) {
        best = g;
        bestScore = score;
      }
    }
    if (best) best.group.members.push(item);
    else groups.push({ key: set, group: { representative: item, members: [item] } });
  }
  return groups.map((g) => g.group).sort((a, b) => b.members.length - a.members.length);
}
