/** A stub for a sourced Kconfig file whose options this model does not need, so the `source` resolves. */
export function stubKconfig(path: string): string {
  return `# mdevspec stub: the options of ${path} are not modelled.\n`;
}

/** `virt/lib/Kconfig` reduced to the one symbol it defines (the same in v4.10 and v6.1). */
export const VIRT_LIB_KCONFIG = `# mdevspec: virt/lib/Kconfig, reduced to its one symbol.

config IRQ_BYPASS_MANAGER
	tristate
`;
