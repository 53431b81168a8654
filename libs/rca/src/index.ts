export { type Element, ElementFormatError, elementContains, formatElement, parseElement } from './element.js';
export { type Leaf, type Localizer, LocalizerRegistry, type RootCause } from './localizer.js';
