/**
 * Preloaded (node -r) into the app processes that bench:load starts. The bench holds their stdin:
 * when the bench dies, even by SIGKILL, the pipe closes and they exit instead of living on as orphans.
 */
process.stdin.once('end', () => process.exit(1));
process.stdin.once('close', () => process.exit(1));
process.stdin.resume();
