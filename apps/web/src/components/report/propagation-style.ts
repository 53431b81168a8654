/**
 * The propagation diagram's stylesheet: the topology's (health colours, labels, hover, selection)
 * plus rules that read the converter's `role`, `kind` and `suspect` fields, so the suspect call or
 * node stands out with a thick red line or ring and a halo.
 */
import type { StylesheetJson } from 'cytoscape';
import { graphStyle, HEALTH_COLORS } from '../topology/graph-style.js';

const SUSPECT = HEALTH_COLORS.critical;

export const propagationStyle: StylesheetJson = [
  ...graphStyle,
  { selector: 'node[kind = "machine"]', style: { shape: 'round-rectangle', width: 54, height: 34 } },
  { selector: 'node[role = "entry"]', style: { 'border-style': 'double', 'border-width': 6 } },
  {
    selector: 'node[?suspect]',
    style: { 'border-width': 6, 'border-color': SUSPECT, 'underlay-color': SUSPECT, 'underlay-opacity': 0.18, 'underlay-padding': 8, 'underlay-shape': 'ellipse', color: SUSPECT },
  },
  // Labels sit above the line so a short call stays visible under its text.
  { selector: 'edge', style: { 'font-size': 11, 'text-rotation': 'autorotate', 'text-margin-y': -12 } },
  {
    selector: 'edge[?suspect]',
    style: {
      'line-color': SUSPECT,
      'target-arrow-color': SUSPECT,
      'underlay-color': SUSPECT,
      'underlay-opacity': 0.18,
      'underlay-padding': 7,
      color: SUSPECT,
      'font-weight': 700,
      'z-index': 30,
    },
  },
];
