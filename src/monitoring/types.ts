/** Where an `<ap-monitor>` is in its lifecycle (setup → start → stop → destroy). */
export type MonitorState =
  'idle' | 'setting_up' | 'ready' | 'starting' | 'monitoring' | 'stopping' | 'stopped' | 'destroyed' | 'error';
