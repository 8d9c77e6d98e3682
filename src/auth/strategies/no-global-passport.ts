/**
 * What the strategies give @nestjs/passport as "the passport instance": one that registers nothing, so they stay
 * out of passport's process-wide registry (AppPassport registers them in this application's own instance).
 */
export const NO_GLOBAL_PASSPORT = { use: () => undefined };
