// The Fractal fork's placeholder: replaced by the container's FractalID where the agent knows how
// (host volume sources, mount container paths, environment values). The seed README's spelling is an
// accepted alias.

export const FRACTAL_ID_PLACEHOLDER = '%%FRACTAL_ID_PLACEHOLDER%%';
export const FRACTAL_ID_PLACEHOLDER_ALIAS = '%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%';

const ANY_PLACEHOLDER = /%%FRACTAL_ID_PLACEHOLDER%%|%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%/g;

export function hasPlaceholder(text: string): boolean {
  return text.includes(FRACTAL_ID_PLACEHOLDER) || text.includes(FRACTAL_ID_PLACEHOLDER_ALIAS);
}

/** Every occurrence of either spelling replaced by the FractalID. */
export function fillPlaceholders(text: string, fractalId: string): string {
  return text.replace(ANY_PLACEHOLDER, fractalId);
}
