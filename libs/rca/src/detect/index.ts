export {
  type DetectorConfig,
  type DetectorTransition,
  DEFAULT_DETECTOR_CONFIG,
  type EntityKind,
  type ExceptionEvent,
  ExceptionDetector,
  type SeriesKey,
  type Severity,
  badDirection,
  seriesId,
} from './detector.js';
export { type BadDirection, type RobustBaseline, type SpreadFloor, DEFAULT_FLOOR, median, peakScore, robustBaseline, robustScore, windowScore } from './robust.js';
