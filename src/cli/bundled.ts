/**
 * The bundles beside the CLI's own (dist/), as the bundled CLI's entry finds them (cli/entry.ts). Under
 * tsx (tests) there are none, and the commands load the sources instead.
 */
export const bundled: { lspServer?: URL } = {};
