// Replaced at bundle time by tsup (scripts/build-info.ts); unbundled code (tests) sees "dev".
declare const __VERSION__: string | undefined;
declare const __GIT_SHORT_HASH__: string | undefined;
declare const __GIT_DIRTY__: boolean | undefined;

export const buildInfo = {
  version: typeof __VERSION__ === 'string' ? __VERSION__ : 'dev',
  gitShortHash: typeof __GIT_SHORT_HASH__ === 'string' ? __GIT_SHORT_HASH__ : '',
  gitDirty: typeof __GIT_DIRTY__ === 'boolean' ? __GIT_DIRTY__ : false,
};
