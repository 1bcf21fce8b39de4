import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namesSensitiveField } from './sensitive-names.ts';

test('payment fields by name, label or placeholder, in the languages checkouts use', () => {
  for (const words of [
    'cardnumber', 'Card number', 'kreditkarte', 'Kartennummer', 'numéro de carte', 'Número de tarjeta',
    'numero carta', 'número do cartão', 'kaartnummer', 'numer karty', 'Номер карты', 'カード番号', '卡号',
    'cvc', 'CVV2', 'Prüfnummer', 'cryptogramme visuel', 'exp', 'ccExp', 'exp_month', 'expYear', 'expiry',
    'Expiration date', 'Ablaufdatum', 'gültig bis', 'MM / YY', 'fecha de caducidad', 'scadenza', 'IBAN',
    'account-number', 'routing', 'sort code', 'cc', 'ccnum', 'pan', 'pin',
  ]) {
    assert.equal(namesSensitiveField(words), true, words);
  }
});

test('credentials by name, label or toggle text, in many languages', () => {
  for (const words of [
    'password', 'userPassword', 'pwd', 'pw', 'Passwort', 'Kennwort', 'mot de passe', 'contraseña', 'senha',
    'wachtwoord', 'hasło', 'lösenord', 'Пароль', 'パスワード', '密码', 'şifre', 'Show password', 'passcode',
    'one-time code', 'otp', '2fa', 'secret answer', 'api_key', 'ssn',
  ]) {
    assert.equal(namesSensitiveField(words), true, words);
  }
});

test('ordinary fields a site opts in stay visible', () => {
  for (const words of [
    'city', 'City', 'Street', 'email', 'Display name', 'Search orders', 'Filter', 'guest', 'quantity',
    'Delivery note for the courier', 'company', 'shipping', 'Expected delivery', 'export', 'zip', 'phone',
    'comment', '',
  ]) {
    assert.equal(namesSensitiveField(words), false, words);
  }
});

test('security codes and expiry dates in German, French, Spanish and Portuguese', () => {
  for (const words of ['Sicherheitscode', 'Verfallsdatum', 'code de sécurité', 'código de seguridad', 'vencimento']) {
    assert.equal(namesSensitiveField(words), true, words);
  }
});

test('expiry, security code and account number in the Nordic languages, Polish, Russian, Turkish, Italian, Japanese, Chinese and Korean', () => {
  for (const words of [
    'Utgångsdatum', 'Giltig till', 'Utløpsdato', 'Udløbsdato', 'Voimassa', 'Data ważności', 'Срок действия', 'Son kullanma tarihi',
    'Geçerlilik tarihi', '유효기간', '만료일', '到期日', 'Valable jusqu’au', 'Válida hasta', 'MM/JJ', 'MM/AA', 'MM / RR', 'ММ/ГГ',
    'Säkerhetskod', 'Sikkerhetskode', 'Sikkerhedskode', 'Turvakoodi', 'Kod bezpieczeństwa', 'Güvenlik kodu', 'Код безопасности',
    'セキュリティコード', '安全码', '보안 코드', 'Verificatiecode', 'Korttinumero',
    'Numero di conto', 'Número da conta', 'Номер счёта', 'Numer konta', 'Numer rachunku', 'Hesap numarası', 'Bankkonto',
    'Tilinumero', '口座番号', '계좌번호', 'Пин-код', 'Kodeord',
  ]) {
    assert.equal(namesSensitiveField(words), true, words);
  }
});
