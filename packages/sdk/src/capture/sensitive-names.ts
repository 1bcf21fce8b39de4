// Whether the words that name a field (its name, id, autocomplete token, label, placeholder…) say
// it holds a credential or a payment detail. Such a field is never shown, even when the site opted
// it in: a site that names its fields in German, labels them only with <label for>, or abbreviates
// the expiry to `exp` must be covered as well as one that follows the autocomplete standard.
// Matching too much only masks a field the agent could have seen; matching too little leaks, so
// the lists lean wide.

// Stems matched anywhere in the normalised text (lower case, accents removed, camelCase and
// punctuation turned into spaces), so compounds like "kreditkartennummer" or "userPassword" match.
const SENSITIVE_STEMS = [
  // passwords and other secrets
  'passw', 'passcode', 'passphrase', 'kennwort', 'mot de passe', 'motdepasse', 'contrasena', 'senha',
  'wachtwoord', 'haslo', 'hasło', 'losenord', 'passord', 'adgangskode', 'salasana', 'jelszo', 'heslo',
  'geslo', 'lozinka', 'parola', 'sifre', 'пароль', 'パスワード', '密码', '密碼', '비밀번호', 'كلمة المرور',
  'סיסמה', 'κωδικ', 'secret', 'token', 'one time', 'onetime', 'verification code', 'security',
  'securite', 'seguridad', 'sicherheit', 'geheimzahl', 'geheimnummer', 'apikey', 'api key', 'kodeord',
  'clave de acceso', 'contrasenya',
  // payment cards, in the languages checkout pages are written in
  'card', 'kart', 'carte', 'tarjeta', 'carta', 'cartao', 'kaart', 'kortnummer',
  'kortets', 'kredit', 'credit', 'debit', 'карт', 'カード', '卡号', '信用卡', '银行卡', '카드',
  'cvc', 'cvv', 'csc', 'cvn', 'ccv', 'cryptogramme', 'prufziffer', 'pruefziffer', 'prufnummer',
  'codice di sicurezza', 'codigo de seguranca', 'beveiligingscode', 'kortti',
  // security codes where the word is not "security" (Nordic, Polish, Turkish, Russian, Asian scripts)
  'sakerhetskod', 'sikkerhetskode', 'sikkerhedskode', 'turvakoodi', 'bezpieczenstw', 'guvenlik',
  'безопасн', 'verificatiecode', 'codice di verifica', 'codigo de verificacion', 'kod weryfik',
  'セキュリティ', '安全码', '安全碼', '보안',
  // expiry
  'expir', 'expdate', 'ablauf', 'verfall', 'gultig', 'gueltig', 'caducidad', 'vencim', 'scadenza',
  'validade', 'vervaldatum', 'valid thru', 'valid until', 'mm yy', 'mmyy', '有効期限', '有效期',
  'utgang', 'giltig', 'utlops', 'udlobs', 'voimassa', 'vanhene', 'waznos', 'срок действ', 'son kullanma',
  'gecerlilik', 'valable jusqu', 'valida hasta', 'valido hasta', 'valida fino', 'valido fino', '到期',
  '유효기간', '만료', 'mm jj', 'mm aa', 'mm rr', 'мм гг',
  // bank accounts
  'iban', 'account number', 'accountnumber', 'acctnum', 'account no', 'routing', 'sort code',
  'sortcode', 'kontonummer', 'bankleitzahl', 'rekeningnummer', 'numero de compte', 'numero de cuenta',
  'numero di conto', 'numero da conta', 'numero de conta', 'numer konta', 'numer rachunku', 'номер счет',
  'hesap numara', 'bankkonto', 'girokonto', 'tilinumero', '口座', '계좌', '账户', '帳戶',
];

// Short tokens that are sensitive only as whole words ("pin" but not "shipping", "exp" but not
// "export"); `cc` also as the prefix of the usual abbreviations (ccnum, ccexp, cccsc).
const SENSITIVE_TOKENS = new Set([
  'pw', 'pwd', 'pass', 'pin', 'tan', 'otp', 'totp', 'mfa', '2fa', 'ssn', 'pan', 'cc', 'exp', 'expy',
  'blz', 'cid', 'пин',
]);
const CC_PREFIXED = /^cc(num|no|nr|number|exp|csc|cvc|cvv|cvn|name|type|month|year)/;

// Letters that Unicode does not decompose into a base letter and a mark (Nordic, Polish, Turkish).
const UNDECOMPOSED: Record<string, string> = { 'ø': 'o', 'Ø': 'o', 'æ': 'ae', 'Æ': 'ae', 'ł': 'l', 'Ł': 'l', 'ı': 'i', 'ß': 'ss', 'đ': 'd', 'Đ': 'd' };

export function normaliseFieldWords(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[øØæÆłŁıßđĐ]/g, (c) => UNDECOMPOSED[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_\-./:,;|()[\]{}#*"'’]+/g, ' ')
    .trim();
}

// Stems written with accents or composed kana are compared in the same decomposed form as the text.
const normalisedStems = SENSITIVE_STEMS.map((stem) => normaliseFieldWords(stem));

export function namesSensitiveField(text: string): boolean {
  if (!text) return false;
  const words = normaliseFieldWords(text);
  if (!words) return false;
  for (const stem of normalisedStems) if (words.includes(stem)) return true;
  for (const token of words.split(' ')) {
    if (SENSITIVE_TOKENS.has(token) || CC_PREFIXED.test(token)) return true;
  }
  return false;
}
