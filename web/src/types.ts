// The JSON shapes the dashboard reads from the API (the fields it uses; the server may send more).

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: 'master' | 'history';
  status: JobStatus;
  progress: { phase: string; done: number; total: number; fraction: number; detail: string | null };
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

export interface GeneratorState {
  has_master_data: boolean;
  has_historical_data: boolean;
  /** End of the history (exclusive). */
  last_generated_timestamp: string | null;
  history_start: string | null;
  history_end: string | null;
  history_events: number;
  counts: Record<string, number>;
  active_job: Job | null;
}

/** What starting a job answers: the job, or its id. */
export interface JobStarted {
  job_id?: string;
  id?: string;
  job?: Job;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  count: number;
}

export interface Statistics {
  state: 'idle' | 'running' | 'paused' | 'draining' | 'stopped';
  uptime_seconds: number;
  events_generated: number;
  events_sent: number;
  events_failed: number;
  events_dropped: number;
  events_dead_lettered: number;
  events_per_second: number;
  events_per_second_by_type: Record<string, number>;
  queue_depth: number;
  queue_capacity: number;
  send_latency_ms: LatencySummary;
  end_to_end_latency_ms?: LatencySummary;
  circuit: { state: string; [k: string]: unknown };
  throttle?: {
    active: boolean;
    rate: number | null;
    level: number;
    signals?: { name: string; [k: string]: unknown }[];
  };
  consumer_lag: number | null;
  sink: string | null;
}

/** What pause, resume and stop answer. */
export interface StreamActionResult {
  status: Statistics['state'];
  message: string;
  statistics: Statistics;
}

/** A recent event as the live feed carries it: the envelope and where it went. */
export interface RecentEvent {
  destination?: string;
  envelope: RetailEventView;
}

export interface RetailEventView {
  event_id: string;
  event_type: string;
  event_ts: string;
  partition_key: string;
  payload?: Record<string, unknown>;
}

export interface DeadLetterView {
  id: number;
  event_type: string;
  error_code: string;
  last_error: string;
  attempts: number;
  status: string;
}

export interface DeadLetterStats {
  total: number;
  byStatus: Record<string, number>;
}

export interface DeadLetterList {
  dead_letters: DeadLetterView[];
  count: number;
}

export interface StoreView {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  region?: string;
  city?: string;
  state?: string;
}

export interface StreamHealth {
  overall_healthy: boolean;
  components: Record<string, { healthy: boolean; [k: string]: string | number | boolean | null }>;
}
