// The page's explanations, in one place so they can be translated: one line per metric (shown on
// hover and on keyboard focus of its name), keyed by the metric's data-testid.

export const METRIC_HELP = {
  fingerprint: 'A hash of the graph\'s edges: two places that show the same fingerprint hold the same graph.',
  aspl: 'Average shortest path length: the mean number of hops between two groups. Lower lets information mix in fewer layers.',
  diameter: 'The longest shortest path between any two groups, in hops.',
  'moore-bound': 'The lowest ASPL any graph with this many nodes and this degree could have (the Moore bound).',
  gap: 'How far the ASPL is above the Moore bound: 0 would be an ideal graph.',
  clustering: 'How often two neighbours of a group are neighbours themselves (average local clustering).',
  transitivity: 'The fraction of connected triples that close into triangles, over the whole graph.',
  gr: 'Global reachability: hops from a group until it reaches every other, mean and worst over the groups.',
  aopu: 'Average number of distinct paths between two groups per unit of path length (AOPU).',
  kept: 'Each output group reads k of the n input groups: k/n of a masked layer\'s weights are kept.',
  'pruning-ratio': 'The share of a masked layer\'s weights the graph removes.',
  reach: 'The share of group pairs joined through L stacked masked layers, L = 1 to 16: walks of exactly L edges (solid, a plain stack) and paths of at most L edges (dashed, a residual stack).',
};
