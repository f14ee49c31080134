// Types of build-if-stale.mjs, for its test.
export declare const BUILD_INPUTS: readonly string[];
export declare function staleBuildReason(root: string): string | undefined;
export declare function buildIfStale(root: string): Promise<void>;
