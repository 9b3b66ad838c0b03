/**
 * Whom a turn reached: a citizen (public) or someone trying the bot out (playground). Only public
 * turns are propaganda work; playground turns are logged but counted nowhere.
 */
export type Audience = 'public' | 'playground';
