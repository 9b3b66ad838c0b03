import { groupSimilar, jaccard } from './unanswered-groups';

describe('#groupSimilar', () => {
  const split = (s: string) => s.split(' ');

  it('should put texts sharing most tokens together and keep the largest group first', () => {
    const groups = groupSimilar(
      [
        'gia han the bhyt',
        'the bhyt gia han o dau',
        'gio mo cua',
        'gia han the bhyt online',
        'gio mo cua benh vien',
      ],
      split,
    );
    expect(groups.map((g) => g.members.length)).toEqual([3, 2]);
    expect(groups[0].representative).toBe('gia han the bhyt');
  });

  it('should keep unrelated texts apart', () => {
    expect(groupSimilar(['a b c', 'd e f'], split)).toHaveLength(2);
  });

  it.each([
    [['a', 'b'], ['a', 'b'], 1],
    [['a', 'b'], ['c'], 0],
    [['a', 'b', 'c'], ['a', 'b', 'd'], 0.5],
  ])('should give jaccard(%j, %j) = %d', (a, b, expected) => {
    expect(jaccard(new Set(a), new Set(b))).toBeCloseTo(expected);
  });
});
