// English, the agent console's reference language: every other file in this folder has exactly
// these keys and, in each value, exactly these {placeholders} (locales.test.ts checks both).
export interface ConsoleStrings {
  dir: 'ltr' | 'rtl';
  // Fixed parts of the console.
  brandSub: string;
  sideLabel: string;
  inviteTitle: string;
  sendBy: string;
  channelBest: string;
  channelPush: string;
  channelSms: string;
  channelCode: string;
  invite: string;
  inviteSending: string;
  sayCode: string;
  sayPhrase: string;
  deliveriesLabel: string;
  inviteAgain: string;
  accepted: string;
  sharingHint: string;
  claimTitle: string;
  claimLabel: string;
  claimButton: string;
  timelineTitle: string;
  timelineEmpty: string;
  mainLabel: string;
  toolsLabel: string;
  toolPointer: string;
  toolHighlight: string;
  // The call and the console's own link.
  loadingCall: string;
  onCall: string;
  dialling: string;
  callEnded: string;
  theCustomer: string;
  linkConnecting: string;
  linkLive: string;
  linkReconnecting: string;
  linkUnauthorized: string;
  linkReplaced: string;
  linkCallEnded: string;
  // The customer's side.
  customerConnected: string;
  customerReconnecting: string;
  customerGone: string;
  customerUnknown: string;
  cobrowseEnded: string;
  notSharing: string;
  // Tools and what the agent is told about them.
  hintNone: string;
  hintPointer: string;
  hintHighlight: string;
  hintControl: string;
  highlightCleared: string;
  highlighted: string;
  notConnectedAction: string;
  controlAsked: string;
  endConfirmPrompt: string;
  controlGranted: string;
  controlTakenBack: string;
  controlEnded: string;
  commandFailed: string;
  commandFailedWhy: string;
  controlOn: string;
  controlWaiting: string;
  controlRequest: string;
  endConfirm: string;
  endSession: string;
  // The code the customer reads out.
  claimInvalid: string;
  claimChecking: string;
  claimOffline: string;
  claimAccepted: string;
  // The invite.
  hintNeedsCall: string;
  hintInviteAgain: string;
  hintLastInvite: string;
  hintInvite: string;
  stateCreated: string;
  stateDelivered: string;
  stateOpened: string;
  stateAccepted: string;
  stateDeclined: string;
  stateExpired: string;
  stateRevoked: string;
  expiresIn: string;
  codeLabel: string;
  deliveryPending: string;
  deliverySent: string;
  deliveryDelivered: string;
  deliveryFailed: string;
  delivery: string;
  // The replica.
  viewport: string;
  viewportTitle: string;
  emptyWaitingTitle: string;
  emptyNoneTitle: string;
  emptyWaitingText: string;
  emptyEndedText: string;
  emptyNoneText: string;
  sessionOver: string;
  veilReconnecting: string;
  veilCustomerReconnecting: string;
  veilCustomerGone: string;
  replicaTitle: string;
  cursorLabel: string;
  surfaceNone: string;
  surfacePointer: string;
  surfaceHighlight: string;
  surfaceControl: string;
  surfaceRole: string;
  // Channels and why a cobrowse ended.
  viaPush: string;
  viaSms: string;
  viaCode: string;
  viaUnknown: string;
  endCallEnded: string;
  endCustomerStopped: string;
  endAgentEnded: string;
  endApiEnded: string;
  endCustomerLeft: string;
  // The timeline.
  tlCallConnected: string;
  tlDialling: string;
  tlInviteCreated: string;
  tlBy: string;
  tlDeliveredBy: string;
  tlNotDeliveredBy: string;
  tlOpenedLink: string;
  tlLookingAtInvite: string;
  tlPromptFailed: string;
  tlPromptFailedDetail: string;
  tlLinkRefused: string;
  tlLinkRefusedDetail: string;
  tlAccepted: string;
  tlDeclined: string;
  tlExpired: string;
  tlWithdrawn: string;
  tlStarted: string;
  tlControlGranted: string;
  tlControlRevoked: string;
  tlControlDeclined: string;
  refusalMaskedField: string;
  refusalNotEditable: string;
  refusalNodeNotFound: string;
  refusalBlockedRegion: string;
  refusalNotAllowed: string;
  refusalNoControl: string;
  refusalOther: string;
  claimAcceptedPrompt: string;
  stateRefusedSignedIn: string;
  tlRefusedSignedIn: string;
  tlRefusedSignedInDetail: string;
  viewportFit: string;
  emptyEndedNoInvite: string;
  zoomLabel: string;
  zoomOut: string;
  zoomIn: string;
  zoomOutTitle: string;
  zoomInTitle: string;
  zoomFit: string;
  zoomFitTitle: string;
  expand: string;
  expandTitle: string;
  surfaceZoomHelp: string;
}

export const en: ConsoleStrings = {
  dir: 'ltr',
  brandSub: 'Cobrowse',
  sideLabel: 'Invite and timeline',
  inviteTitle: 'Cobrowse invite',
  sendBy: 'Send by',
  channelBest: 'Best available',
  channelPush: 'Their open web page',
  channelSms: 'Text message (SMS)',
  channelCode: 'Code only (read aloud)',
  invite: 'Invite to cobrowse',
  inviteSending: 'Sending invite…',
  sayCode: 'Read this code to the customer',
  sayPhrase: 'Their screen shows the phrase',
  deliveriesLabel: 'Delivery',
  inviteAgain: 'Send a new invite',
  accepted: 'Accepted',
  sharingHint: 'The customer is sharing their screen.',
  claimTitle: 'Customer has a code?',
  claimLabel: 'Code the customer reads to you',
  claimButton: 'Connect',
  timelineTitle: 'Timeline',
  timelineEmpty: 'Nothing yet. Invite the customer to start.',
  mainLabel: 'Customer\'s screen',
  toolsLabel: 'Cobrowse tools',
  toolPointer: 'Pointer',
  toolHighlight: 'Highlight',
  loadingCall: 'Loading call…',
  onCall: 'On call with {name}',
  dialling: 'Dialling {name}…',
  callEnded: 'Call ended',
  theCustomer: 'the customer',
  linkConnecting: 'Connecting to Tandem…',
  linkLive: 'Connected',
  linkReconnecting: 'Reconnecting…',
  linkUnauthorized: 'Console link expired: open it again from your desktop',
  linkReplaced: 'Opened in another window',
  linkCallEnded: 'Call ended',
  customerConnected: 'Customer connected',
  customerReconnecting: 'Customer reconnecting…',
  customerGone: 'Customer gone',
  customerUnknown: 'Customer status unknown',
  cobrowseEnded: 'Cobrowse ended',
  notSharing: 'Not sharing',
  hintNone: 'Tools off: you are watching only.',
  hintPointer: 'Pointer: the customer sees your pointer wherever you move over their screen.',
  hintHighlight: 'Highlight: click something on their screen to outline it for them. Escape clears.',
  hintControl: 'Remote control: click a field on their page, then type. Scrolling works too. Tab leaves their page.',
  highlightCleared: 'Highlight cleared.',
  highlighted: 'Highlighted for the customer. Click it again or press Escape to clear.',
  notConnectedAction: 'Not connected: that action was not sent.',
  controlAsked: 'Asked the customer for control. They see a separate prompt to accept.',
  endConfirmPrompt: 'Press "{confirm}" to stop cobrowsing.',
  controlGranted: 'Control granted. {hint}',
  controlTakenBack: 'The customer took back control.',
  controlEnded: 'Control ended.',
  commandFailed: 'The customer\'s page did not do that.',
  commandFailedWhy: 'The customer\'s page did not do that: {error}',
  controlOn: 'Control on',
  controlWaiting: 'Waiting for customer…',
  controlRequest: 'Request control',
  endConfirm: 'Confirm end',
  endSession: 'End session',
  claimInvalid: 'Type the code exactly as the customer reads it.',
  claimChecking: 'Checking the code…',
  claimOffline: 'Not connected: try again in a moment.',
  claimAccepted: 'Code accepted: the customer is sharing.',
  hintNeedsCall: 'Available while the call is connected.',
  hintInviteAgain: 'The last cobrowse has ended. You can invite the customer again.',
  hintLastInvite: 'Last invite: {state}. You can send another.',
  hintInvite: 'The customer gets a prompt to share this browser tab. Nothing is shared until they accept.',
  stateCreated: 'Sending',
  stateDelivered: 'Waiting for the customer',
  stateOpened: 'Customer is looking',
  stateAccepted: 'Accepted',
  stateDeclined: 'Declined',
  stateExpired: 'Expired',
  stateRevoked: 'Withdrawn',
  expiresIn: 'Expires in {time}',
  codeLabel: 'Code {digits}',
  deliveryPending: 'pending',
  deliverySent: 'sent',
  deliveryDelivered: 'delivered',
  deliveryFailed: 'failed',
  delivery: '{channel} · {state}',
  viewport: '{width} × {height} · {zoom}',
  viewportTitle: 'Size of the customer\'s browser window, and the zoom it is shown at here',
  emptyWaitingTitle: 'Waiting for the customer\'s screen…',
  emptyNoneTitle: 'No screen shared yet',
  emptyWaitingText: 'It appears as soon as their browser sends it.',
  emptyEndedText: '{reason}. Send a new invite to cobrowse again.',
  emptyNoneText: 'The customer\'s screen appears here once they accept an invite.',
  sessionOver: 'the session is over',
  veilReconnecting: 'Reconnecting to Tandem… the screen may be out of date.',
  veilCustomerReconnecting: 'Customer reconnecting… the screen may be out of date.',
  veilCustomerGone: 'The customer has left the page.',
  replicaTitle: 'Customer\'s page (live copy)',
  cursorLabel: 'Customer',
  surfaceNone: 'Customer\'s screen',
  surfacePointer: 'Customer\'s screen. Move the mouse here to point: the customer sees your pointer.',
  surfaceHighlight: 'Customer\'s screen. Click an element to highlight it for the customer; Escape clears.',
  surfaceControl: 'Customer\'s screen, remote control on. Clicks, typing and scrolling go to the customer\'s page; Tab leaves.',
  surfaceRole: 'customer screen',
  viaPush: 'their open web page',
  viaSms: 'text message',
  viaCode: 'code read aloud',
  viaUnknown: 'unknown channel',
  endCallEnded: 'the call ended',
  endCustomerStopped: 'the customer stopped sharing',
  endAgentEnded: 'you ended it',
  endApiEnded: 'ended by your system',
  endCustomerLeft: 'the customer left the site',
  tlCallConnected: 'Call connected',
  tlDialling: 'Dialling',
  tlInviteCreated: 'Invite created',
  tlBy: 'by {channels}',
  tlDeliveredBy: 'Delivered by {channel}',
  tlNotDeliveredBy: 'Could not deliver by {channel}',
  tlOpenedLink: 'Customer opened the link',
  tlLookingAtInvite: 'Customer is looking at the invite',
  tlPromptFailed: 'The customer\'s page could not show the invite',
  tlPromptFailedDetail: 'Send the link by SMS or read the code aloud instead.',
  tlLinkRefused: 'Another page tried to open the link: refused',
  tlLinkRefusedDetail: 'A link works on one page only. If the customer sees "already open on another page", withdraw this invite and send a new one.',
  tlAccepted: 'Customer accepted',
  tlDeclined: 'Customer declined',
  tlExpired: 'Invite expired',
  tlWithdrawn: 'Invite withdrawn',
  tlStarted: 'Cobrowse started',
  tlControlGranted: 'Customer gave you control',
  tlControlRevoked: 'Customer took back control',
  tlControlDeclined: 'Customer said "not now" to control',
  refusalMaskedField: 'That field is private on the customer\'s page (masked), so you cannot type into it. Ask the customer to fill it in.',
  refusalNotEditable: 'That is not a field you can type into. Click a text field first.',
  refusalNodeNotFound: 'That part of the page is no longer there: the customer\'s page has changed. Try again on what you see now.',
  refusalBlockedRegion: 'That part of the page is hidden from you (blocked by the site), so you cannot use it.',
  refusalNotAllowed: 'That belongs to the customer\'s sharing controls, which only the customer can use.',
  refusalNoControl: 'The customer has not given you control (or has taken it back).',
  refusalOther: 'The customer\'s page could not do that. Try again, or ask the customer to do it.',
  claimAcceptedPrompt: 'Code accepted: the customer\'s screen now asks them to share.',
  stateRefusedSignedIn: 'Refused: another customer signed in',
  tlRefusedSignedIn: 'Refused: opened where another customer is signed in',
  tlRefusedSignedInDetail: 'The customer was told to sign out of the site and open the link again. Or read them the code instead.',
  viewportFit: '{width} × {height} · {zoom} (fit)',
  emptyEndedNoInvite: '{reason}.',
  zoomLabel: 'Zoom',
  zoomOut: 'Zoom out (now {zoom})',
  zoomIn: 'Zoom in (now {zoom})',
  zoomOutTitle: 'Zoom out (-)',
  zoomInTitle: 'Zoom in (+)',
  zoomFit: 'Fit',
  zoomFitTitle: 'Fit to width (0)',
  expand: 'Expand',
  expandTitle: 'Give the customer\'s screen the whole console (Escape returns)',
  surfaceZoomHelp: 'Plus and minus zoom, 0 fits the width.',
};
export default en;
