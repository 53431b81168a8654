'use client';
/** The fault-propagation diagram, drawn by the one cytoscape wrapper with the propagation stylesheet. */
import type { ElementDefinition } from 'cytoscape';
import type { Selection } from '../../lib/url-state.js';
import { TopologyGraph } from '../topology/TopologyGraph.js';
import { propagationStyle } from './propagation-style.js';
import styles from './Report.module.css';

export interface PropagationDiagramProps {
  elements: ElementDefinition[];
  selection: Selection;
  onSelect: (selection: Selection) => void;
  testHooks: boolean;
}

export function PropagationDiagram({ elements, selection, onSelect, testHooks }: PropagationDiagramProps) {
  const nodes = elements.filter((e) => e.group === 'nodes').length;
  return (
    <div className={styles.diagram}>
      <div className={styles.diagramCanvas}>
        <TopologyGraph
          elements={elements}
          selection={selection}
          onSelect={onSelect}
          testHooks={testHooks}
          hookName="__kinsightPropagation"
          stylesheet={propagationStyle}
          testId="propagation-graph"
          ariaLabel={`Fault propagation over ${nodes} services and machines, suspects marked in red`}
        />
      </div>
      <ul className={styles.legend} aria-label="Legend">
        <li>
          <span className={styles.legendEntry} aria-hidden /> where users felt it (entry)
        </li>
        <li>
          <span className={styles.legendCarrier} aria-hidden /> carries the anomaly
        </li>
        <li>
          <span className={styles.legendSuspect} aria-hidden /> suspect, by rank
        </li>
      </ul>
    </div>
  );
}
