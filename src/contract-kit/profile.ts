/**
 * How much of the document a run asserts. `documented`: only the platform's own rules; at every
 * choice point the kit observes and reports what the deployment does. `strict`: the whole
 * document, choices included (for the mock, or a deployment that promises all of it).
 */
export const PROFILES = ['documented', 'strict'] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = 'documented';
