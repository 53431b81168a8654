/** Types of launch.mjs (the agent's bundler and launcher, plain JavaScript so it runs without tsx). */
export declare const agentEntry: string;
export declare const AGENT_NODE_FLAGS: readonly string[];
export declare function bundleAgent(): Promise<string>;
