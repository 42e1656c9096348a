// Numbers as the page writes them. No Intl: the first Intl formatter loads locale data, 25–50 ms
// that would fall on the page's first graph.

/** 12,345-style integers (`x` is rounded). */
export const grouped = (x) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
