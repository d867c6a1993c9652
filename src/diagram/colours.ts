/** A profile's colours: what only that profile has is drawn with this stroke and fill. */
export interface ProfileColours {
  readonly stroke: string;
  readonly fill: string;
}

/**
 * The colours of every diagram (DOT, SVG, Mermaid, the review page and its legend): the common parts,
 * each profile's own parts, refusal errnos and the kernel-function lines.
 */
export const DIAGRAM_COLOURS = {
  stroke: '#4b5563',
  fill: '#ffffff',
  text: '#111827',
  cluster: '#6b7280',
  region: '#9ca3af',
  errno: '#b91c1c',
  internal: '#374151',
  kernel: '#6b7280',
  profiles: {
    'v4.10': { stroke: '#c2410c', fill: '#ffedd5' },
    'v6.1': { stroke: '#1d4ed8', fill: '#dbeafe' },
  } as Readonly<Record<string, ProfileColours>>,
} as const;

/** The colours of `profile` (the common colours for a profile without its own). */
export function profileColours(profile: string): ProfileColours {
  return DIAGRAM_COLOURS.profiles[profile] ?? { stroke: DIAGRAM_COLOURS.stroke, fill: DIAGRAM_COLOURS.fill };
}
