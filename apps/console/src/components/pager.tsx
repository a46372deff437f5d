import { useState } from 'react';

/** Cursor paging as the API offers it (`continue` tokens, forward only): remembers the cursors seen so back works. */
export interface CursorPages {
  /** The cursor of the page on show; undefined for the first page. */
  readonly cursor: string | undefined;
  readonly page: number;
  /** Counts restarts, so a list reloads on "Apply" even when nothing else changed. */
  readonly generation: number;
  /** What the last list answered in listmeta.continue ('' when it was the last page). */
  setNext(cursor: string): void;
  /** Back to the first page, as after a new search or filter. */
  restart(): void;
}

interface PagerState extends CursorPages {
  readonly next: string;
  previous(): void;
  forward(): void;
}

export function useCursorPages(): PagerState {
  // Cursors of the pages seen so far: [0] is the first page ('' = no cursor).
  const [cursors, setCursors] = useState<string[]>(['']);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState('');
  const [generation, setGeneration] = useState(0);
  return {
    cursor: cursors[page] || undefined,
    page,
    generation,
    next,
    setNext,
    restart: () => {
      setCursors(['']);
      setPage(0);
      setGeneration(generation + 1);
    },
    previous: () => setPage(Math.max(0, page - 1)),
    forward: () => {
      setCursors([...cursors.slice(0, page + 1), next]);
      setPage(page + 1);
    },
  };
}

export function Pager({ pages }: { pages: PagerState }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={pages.page === 0} onClick={pages.previous}>
        Previous page
      </button>
      <span>Page {pages.page + 1}</span>
      <button type="button" disabled={!pages.next} onClick={pages.forward}>
        Next page
      </button>
    </nav>
  );
}
