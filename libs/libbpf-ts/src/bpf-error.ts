/** A failed libbpf step: `step` names what was attempted, `code`/`errno` say why. */
export class BpfError extends Error {
  override readonly name = 'BpfError';

  constructor(
    message: string,
    readonly step: string,
    readonly errno: number,
    readonly code: string,
    /** libbpf's own lines for this step (e.g. the verifier log of a failed load). */
    readonly libbpfLog: readonly string[] = [],
  ) {
    super(message);
  }
}

interface NativeErrorFields {
  message: string;
  step: string;
  errno: number;
  code: string;
  libbpfLog: string[];
}

function isNativeError(error: unknown): error is NativeErrorFields {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & Partial<NativeErrorFields>;
  return typeof fields.step === 'string' && typeof fields.errno === 'number' && typeof fields.code === 'string';
}

/** Runs a native call and turns its errors into BpfError. */
export function native<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (isNativeError(error)) {
      throw new BpfError(error.message, error.step, error.errno, error.code, error.libbpfLog);
    }
    throw error;
  }
}
