/**
 * @module A kept image's thumbnail in the usage log, linking to the full picture. Images expire
 * (the station's retention), so one that no longer loads is replaced by words, not a broken icon.
 */
import { useState } from 'preact/hooks';

export function UsageThumb({ url, requestId }: { url: string; requestId: string }) {
  const [gone, setGone] = useState(false);
  if (gone) return <span class="muted">no longer kept</span>;
  return (
    <a href={url} target="_blank" rel="noopener">
      <img class="thumb" src={url} alt={`Image of request ${requestId}`} loading="lazy" width={48} height={48} onError={() => setGone(true)} />
    </a>
  );
}
