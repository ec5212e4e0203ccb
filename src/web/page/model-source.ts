// Where the page's network comes from: the snapshot the server was started with, a shipped preset,
// or a params.json the user drops. Every one is checked by the CLI's own parser (io/snapshot.ts), so
// a bad file gets the same one-line message `cnn eval` would print, and the network in use stays.

import { CnnError } from '../../errors.js';
import { parseSnapshot, type SnapshotMetadata } from '../../io/snapshot.js';
import type { Network } from '../../models/network.js';

export interface LoadedModel {
  network: Network;
  metadata: SnapshotMetadata;
  label: string;
}

export interface Catalogue {
  model: { url: string; label: string };
  presets: string[];
  mnist: Record<string, string> | null;
}

export async function fetchCatalogue(): Promise<Catalogue> {
  const response = await fetch('/catalogue.json');
  if (!response.ok) throw new Error(`catalogue.json: the server answered ${response.status}`);
  return (await response.json()) as Catalogue;
}

export async function fetchModel(url: string, label: string): Promise<LoadedModel> {
  return parseModel(await fetchText(url, label), label);
}

export async function fetchText(url: string, label: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${label}: the server answered ${response.status}`);
  return response.text();
}

/** The text of a params.json to a network, or an Error whose message is the one line to show. */
export function parseModel(text: string, label: string): LoadedModel {
  if (text.trim() === '') throw new CnnError(`${label}: the file is empty`);
  try {
    return { ...parseSnapshot(text, label), label };
  } catch (error) {
    // Shapes that do not fit come from the network's constructor as RangeErrors; name the file.
    if (error instanceof CnnError) throw error;
    throw new CnnError(`${label}: ${(error as Error).message}`);
  }
}
