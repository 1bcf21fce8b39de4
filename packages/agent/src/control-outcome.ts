// What the agent reads when the customer's page refuses a control command: the page answers
// with a code (packages/sdk/src/capture/control-executor.ts), never shown to a person as it is.

const REFUSALS: Record<string, string> = {
  masked_field: 'That field is private on the customer\'s page (masked), so you cannot type into it. Ask the customer to fill it in.',
  not_editable: 'That is not a field you can type into. Click a text field first.',
  node_not_found: 'That part of the page is no longer there: the customer\'s page has changed. Try again on what you see now.',
  blocked_region: 'That part of the page is hidden from you (blocked by the site), so you cannot use it.',
  not_allowed: 'That belongs to the customer\'s sharing controls, which only the customer can use.',
  control_not_granted: 'The customer has not given you control (or has taken it back).',
};

/** One sentence for the agent about a refused control command; unknown codes get a general one. */
export function controlRefusalText(code: string | undefined): string {
  return (code && REFUSALS[code]) || 'The customer\'s page could not do that. Try again, or ask the customer to do it.';
}
