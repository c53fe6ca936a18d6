import { CURRENT_MIX } from './fleet.js';

/**
 * The three policy variants of the demo, in the watsonx `spec_version: v1, kind: model` YAML with
 * routelab's extensions. Written as text so the comments survive into the files.
 */
export function policyFiles(): Record<string, string> {
  const current = `# The policy in production today. sage-reasoner was added last quarter for billing arithmetic and
# now takes a large share of all traffic; the nightly run asks whether that still pays off.
spec_version: v1
kind: model
name: support-assistant
description: Kestrel support, coding and billing assistant (production mix)
display_name: Support Assistant
policy:
  strategy:
    mode: loadbalance
    on_status_codes: [503, 408]
  retry:
    attempts: 2
    on_status_codes: [429, 503]
  targets:
${CURRENT_MIX.map(([m, w]) => `    - model_name: ${m}\n      weight: ${w}`).join('\n')}
`;
  const cheap = `# A cheaper variant: the two small models only, weighted towards atlas-mini.
spec_version: v1
kind: model
name: support-assistant-cheap
description: Small models first, for cost
display_name: Support Assistant (cheap)
policy:
  strategy:
    mode: loadbalance
    on_status_codes: [503, 408]
  retry:
    attempts: 2
    on_status_codes: [429, 503]
  targets:
    - model_name: sim/atlas-mini
      weight: 1
    - model_name: sim/swift-small
      weight: 0.5
`;
  const byIntent = `# Rule-based routing by intent: each intent goes to the model that is good enough for it at the
# lowest price; anything without a known intent goes to atlas-large.
spec_version: v1
kind: model
name: support-assistant-by-intent
description: One model per intent
display_name: Support Assistant (by intent)
policy:
  strategy:
    mode: conditional
  retry:
    attempts: 2
    on_status_codes: [429, 503]
  rules:
    - name: support-and-triage
      when: { metadata.intent: { $in: [support, classification] } }
      strategy: { mode: single }
      targets:
        - model_name: sim/atlas-mini
    - name: code
      when: { metadata.intent: { $eq: coding } }
      strategy: { mode: fallback, on_status_codes: [503, 408] }
      targets:
        - model_name: sim/forge-coder
        - model_name: sim/atlas-large
    - name: extraction
      when: { metadata.intent: { $eq: extraction } }
      strategy: { mode: single }
      targets:
        - model_name: sim/quill-extract
    - name: billing-math
      when: { metadata.intent: { $eq: arithmetic } }
      strategy: { mode: fallback, on_status_codes: [503, 408] }
      targets:
        - model_name: sim/sage-reasoner
        - model_name: sim/forge-coder
    - name: everything-else
      priority: -1
      when: {}
      strategy: { mode: single }
      targets:
        - model_name: sim/atlas-large
`;
  return {
    'support-assistant.yaml': current,
    'support-assistant-cheap.yaml': cheap,
    'support-assistant-by-intent.yaml': byIntent,
  };
}
