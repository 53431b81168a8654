'use client';
/**
 * The one cytoscape wrapper. The instance is created once and destroyed on
 * unmount; new data is applied inside startBatch/endBatch; layout re-runs only
 * when the element SET changes, so a 5 s poll that only moves numbers never
 * moves nodes under the user's pointer. The service topology and a report's
 * fault-propagation diagram both draw through it (a stylesheet and a test-hook
 * name apiece).
 */
import cytoscape, { type Core, type ElementDefinition, type StylesheetJson } from 'cytoscape';
import { useEffect, useEffectEvent, useRef } from 'react';
import type { Selection } from '../../lib/url-state.js';
import { graphStyle } from './graph-style.js';
import { elementSetKey } from './to-elements.js';
import styles from './TopologyGraph.module.css';

export interface TopologyGraphProps {
  elements: ElementDefinition[];
  selection: Selection;
  onSelect: (selection: Selection) => void;
  /** Expose the read-only snapshot on `window[hookName]` (test builds only). */
  testHooks: boolean;
  /** default `__kinsightTopology` */
  hookName?: SnapshotHookName;
  /** default: the topology's graphStyle; read once, at creation */
  stylesheet?: StylesheetJson;
  testId?: string;
  ariaLabel?: string;
}

export type SnapshotHookName = '__kinsightTopology' | '__kinsightPropagation';

/** Read-only view of what is drawn, for Playwright; positions are viewport CSS pixels. */
export interface TopologySnapshot {
  nodes: Array<{ id: string; label: string; health: string; suspect: boolean; position: { x: number; y: number } }>;
  edges: Array<{
    id: string;
    source: string;
    target: string;
    health: string;
    label: string;
    suspect: boolean;
    midpoint: { x: number; y: number };
  }>;
}

declare global {
  interface Window {
    __kinsightTopology?: () => TopologySnapshot;
    __kinsightPropagation?: () => TopologySnapshot;
  }
}

const FIT_PADDING = 48;
// Fitting two or three nodes would otherwise zoom them to poster size.
const MAX_FIT_ZOOM = 1.3;

function fit(cy: Core): void {
  cy.fit(undefined, FIT_PADDING);
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center();
  }
}

function runLayout(cy: Core): void {
  cy.layout({
    name: 'breadthfirst',
    directed: true,
    animate: false,
    spacingFactor: 1.4,
    padding: FIT_PADDING,
    // breadthfirst stacks levels top-down; callers read left to right.
    transform: (_node, position) => ({ x: position.y * 1.6, y: position.x }),
  }).run();
  fit(cy);
}

function snapshot(cy: Core, container: HTMLElement): TopologySnapshot {
  const box = container.getBoundingClientRect();
  const toViewport = (p: { x: number; y: number }) => ({ x: box.left + p.x, y: box.top + p.y });
  return {
    nodes: cy.nodes().map((n) => ({
      id: n.id(),
      label: String(n.data('label')),
      health: String(n.data('health')),
      suspect: n.data('suspect') === true,
      position: toViewport(n.renderedPosition()),
    })),
    edges: cy.edges().map((e) => ({
      id: e.id(),
      source: e.source().id(),
      target: e.target().id(),
      health: String(e.data('health')),
      label: String(e.data('label')),
      suspect: e.data('suspect') === true,
      midpoint: toViewport(e.renderedMidpoint()),
    })),
  };
}

export function TopologyGraph({
  elements,
  selection,
  onSelect,
  testHooks,
  hookName = '__kinsightTopology',
  stylesheet = graphStyle,
  testId = 'topology-graph',
  ariaLabel,
}: TopologyGraphProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const setKeyRef = useRef('');
  // Handlers are bound once, at creation; this always calls the latest callback.
  const select = useEffectEvent((next: Selection) => onSelect(next));

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const cy = cytoscape({
      container,
      style: stylesheet,
      elements: [],
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      // The URL owns the selection; cytoscape's own :selected state stays unused.
      autounselectify: true,
    });
    cy.on('tap', 'edge', (event) => select({ kind: 'edge', id: String(event.target.id()) }));
    cy.on('tap', 'node', (event) => select({ kind: 'node', id: String(event.target.id()) }));
    cy.on('tap', (event) => {
      if (event.target === cy) select(null);
    });
    cy.on('mouseover', 'node, edge', (event) => {
      event.target.addClass('hover');
      container.style.cursor = 'pointer';
    });
    cy.on('mouseout', 'node, edge', (event) => {
      event.target.removeClass('hover');
      container.style.cursor = '';
    });
    const resizeObserver = new ResizeObserver(() => {
      cy.resize();
      fit(cy);
    });
    resizeObserver.observe(container);
    cyRef.current = cy;
    return () => {
      resizeObserver.disconnect();
      cy.destroy();
      cyRef.current = null;
      setKeyRef.current = '';
    };
    // The stylesheet is read at creation only: recreating the instance would lose positions.
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const wanted = new Set(elements.map((el) => String(el.data.id)));
    cy.startBatch();
    cy.elements().filter((el) => !wanted.has(el.id())).remove();
    for (const definition of elements) {
      const existing = cy.getElementById(String(definition.data.id));
      if (existing.nonempty()) existing.data(definition.data);
      else cy.add(definition);
    }
    cy.endBatch();
    const key = elementSetKey(elements);
    if (key !== setKeyRef.current) {
      setKeyRef.current = key;
      runLayout(cy);
    }
  }, [elements]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements().removeClass('selected dimmed');
      if (!selection) return;
      const selected = cy.getElementById(selection.id);
      if (selected.empty()) return;
      selected.addClass('selected');
      const focus =
        selection.kind === 'edge' ? selected.union(selected.connectedNodes()) : selected.closedNeighborhood();
      cy.elements().not(focus).addClass('dimmed');
    });
  }, [selection, elements]);

  useEffect(() => {
    const container = containerRef.current;
    if (!testHooks || !container) return;
    window[hookName] = () => {
      const cy = cyRef.current;
      return cy ? snapshot(cy, container) : { nodes: [], edges: [] };
    };
    return () => {
      delete window[hookName];
    };
  }, [testHooks, hookName]);

  const nodeCount = elements.filter((el) => el.group === 'nodes').length;
  return (
    <div
      ref={containerRef}
      className={styles.graph}
      data-testid={testId}
      data-node-count={nodeCount}
      data-edge-count={elements.length - nodeCount}
      role="img"
      aria-label={ariaLabel ?? `Service topology with ${nodeCount} services and ${elements.length - nodeCount} connections`}
    />
  );
}
