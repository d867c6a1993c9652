/** Escapes one state key into identifier characters: letters and digits stay, others become `_xx_` (hex). */
function escapeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
}

/**
 * The identifier of a state in Mermaid and DOT output: `s` for the root, then `__` and each escaped key
 * (`lifecycle.exists` → `s__lifecycle__exists`). Injective, so distinct states never share an id, and
 * made only of `[A-Za-z0-9_]`, which Mermaid requires of state ids.
 */
export function stateId(path: string): string {
  return path === ''
    ? 's'
    : `s${path
        .split('.')
        .map((k) => `__${escapeKey(k)}`)
        .join('')}`;
}

/** The id of a state's "in any substate" node (its own transitions when it is not atomic). */
export function anyStateId(path: string): string {
  return `${stateId(path)}___any`;
}

/** The id of a compound state's initial pseudo-state. */
export function initialId(path: string): string {
  return `${stateId(path)}___init`;
}

/**
 * The prefix of every element id in one machine's SVG for one profile (`parent.v6.1.`): keeps ids
 * unique when several SVGs share the review page. Made of characters Graphviz writes unescaped.
 */
export function svgIdPrefix(machineId: string, profile: string): string {
  return `${machineId}.${profile}.`;
}
