// What the embed page tells the player, read from its JSON data block (a <script
// type="application/json">: data, not code, so the page's policy needs no inline script).
// Imported first by index.tsx: the seal, imported next, reads the asset hosts from
// window.remotion_envVariables, where Remotion's own page puts them for a render.

export type PreviewError = {message: string; line: number | null; column: number | null};

export type PreviewConfig = {
  compositionId: string;
  inputProps: Record<string, unknown>;
  frame: number;
  chrome: boolean;
  // Origins that may embed the preview: the site and PREVIEW_EMBED_ORIGINS.
  parentOrigins: string[];
  assetHosts: string[];
  // A snapshot the server could not take (e.g. the code fails the check on save).
  error: PreviewError | null;
};

const ASSET_HOSTS_VARIABLE = 'MONTAGE_ASSET_HOSTS';

const element = document.getElementById('montage-preview');
export const config = JSON.parse(element?.textContent ?? 'null') as PreviewConfig;

(window as Window & {remotion_envVariables?: string}).remotion_envVariables = JSON.stringify({
  [ASSET_HOSTS_VARIABLE]: config.assetHosts.join(','),
});
