/**
 * @module sharp (libvips), loaded on first use. Loading it costs a station about 30 MB of memory
 * for good; a station that only passes upstream images through never decodes one, so it never
 * pays that. Every use in the station goes through here.
 */
import type { default as Sharp } from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

export const loadSharp = (): Promise<typeof Sharp> => (loading ??= import('sharp').then((module) => module.default));
