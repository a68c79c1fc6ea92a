/**
 * @module The page table: which hash shows which page, in navigation order. An unknown hash shows
 * the dashboard. Each page sets the document title and takes focus on arrival, so a screen reader
 * hears where a link led.
 */
import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Route } from '../lib/router';
import { BannedWordsPage } from './banned-words';
import { ChannelsPage } from './channels';
import { CreditsPage } from './credits';
import { DashboardPage } from './dashboard';
import { KeysPage } from './keys';
import { PlaygroundPage } from './playground';
import { UsagePage } from './usage';

export interface PageProps {
  params: string[];
}

export const PAGES: readonly { id: string; title: string; component: ComponentType<PageProps> }[] = [
  { id: 'dashboard', title: 'Dashboard', component: DashboardPage },
  { id: 'keys', title: 'Keys', component: KeysPage },
  { id: 'credits', title: 'Credits', component: CreditsPage },
  { id: 'channels', title: 'Channels', component: ChannelsPage },
  { id: 'usage', title: 'Usage log', component: UsagePage },
  { id: 'banned-words', title: 'Banned words', component: BannedWordsPage },
  { id: 'playground', title: 'Playground', component: PlaygroundPage },
];

export function PageFor({ route }: { route: Route }) {
  const page = PAGES.find((p) => p.id === route.page) ?? PAGES[0]!;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${page.title} · aigate console`;
    heading.current?.focus();
  }, [page.id]);
  const Page = page.component;
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {page.title}
      </h1>
      <Page key={page.id} params={route.params} />
    </>
  );
}
