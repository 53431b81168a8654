/**
 * Cytoscape stylesheet. Selectors read `data()` (health, width, label) for what
 * an element is and classes (selected, dimmed, hover) for what the user did.
 */
import type { StylesheetJson } from 'cytoscape';

export const HEALTH_COLORS = {
  healthy: '#2f9e44',
  warning: '#f08c00',
  critical: '#e03131',
  idle: '#adb5bd',
} as const;

const HEALTH_FILLS = {
  healthy: '#ebfbee',
  warning: '#fff4e6',
  critical: '#fff0f0',
  idle: '#f8f9fa',
} as const;

const SELECTED = '#1c7ed6';

const healthRules = (Object.keys(HEALTH_COLORS) as Array<keyof typeof HEALTH_COLORS>).flatMap((health) => [
  {
    selector: `node[health = "${health}"]`,
    style: { 'border-color': HEALTH_COLORS[health], 'background-color': HEALTH_FILLS[health] },
  },
  {
    selector: `edge[health = "${health}"]`,
    style: { 'line-color': HEALTH_COLORS[health], 'target-arrow-color': HEALTH_COLORS[health] },
  },
]);

export const graphStyle: StylesheetJson = [
  {
    selector: 'node',
    style: {
      shape: 'ellipse',
      width: 44,
      height: 44,
      'border-width': 3,
      label: 'data(label)',
      'font-family': 'Inter, system-ui, sans-serif',
      'font-size': 12,
      'font-weight': 600,
      color: '#1f2933',
      'text-valign': 'bottom',
      'text-margin-y': 6,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '2px',
      'overlay-opacity': 0,
    },
  },
  { selector: 'node[kind = "external"]', style: { shape: 'round-rectangle', 'border-style': 'dashed' } },
  {
    selector: 'edge',
    style: {
      width: 'data(width)',
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 1.1,
      label: 'data(label)',
      'font-family': 'Inter, system-ui, sans-serif',
      'font-size': 10,
      color: '#343a40',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-padding': '2px',
      'text-background-shape': 'roundrectangle',
      'overlay-opacity': 0,
    },
  },
  ...healthRules,
  // Unhealthy edges draw above healthy ones so they are never hidden.
  { selector: 'edge[health = "critical"], edge[health = "warning"]', style: { 'z-index': 10 } },
  { selector: 'edge[health = "idle"]', style: { 'line-style': 'dashed' } },
  { selector: 'node.hover', style: { 'border-width': 4 } },
  { selector: 'edge.hover', style: { 'underlay-color': SELECTED, 'underlay-opacity': 0.12, 'underlay-padding': 5 } },
  { selector: 'node.selected', style: { 'border-color': SELECTED, 'border-width': 5 } },
  {
    selector: 'edge.selected',
    style: { 'underlay-color': SELECTED, 'underlay-opacity': 0.28, 'underlay-padding': 6, 'z-index': 20 },
  },
  { selector: '.dimmed', style: { opacity: 0.25 } },
];
