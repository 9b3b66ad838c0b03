import { execFileSync } from 'node:child_process';
import { fromRoot } from '../src/common/project-root';

// A data file the app reads but git ignores works on the machine that made it and nowhere else
// (a "data/" pattern once swallowed src/nlu/data and CI failed on a fresh clone).
describe('repository', () => {
  it('should not ignore any file the app or the tests read', () => {
    let ignored: string;
    try {
      ignored = execFileSync(
        'git',
        [
          'ls-files',
          '--others',
          '--ignored',
          '--exclude-standard',
          'src',
          'intents',
          'locales',
          'test',
          'scripts',
        ],
        { cwd: fromRoot('.'), encoding: 'utf8' },
      );
    } catch {
      return; // not a git checkout (an unpacked archive): nothing to compare against
    }
    expect(ignored.split('\n').filter(Boolean)).toEqual([]);
  });
});
