/**
 * The built-in invite text in each language the customer's prompts speak, chosen by the
 * conversation's `customer.locale` (BCP 47; matched on its primary subtag, English otherwise).
 * A deployment's own SMS_TEMPLATE, when set, is used as it is for everyone.
 * Latin-script texts stay inside the GSM-7 alphabet where the language allows (one segment
 * costs half of two); the placeholders are those of DEFAULT_SMS_TEMPLATE (a test checks).
 */
import { DEFAULT_SMS_TEMPLATE } from './sms-template.ts';

export const SMS_TEMPLATES: Readonly<Record<string, string>> = {
  en: DEFAULT_SMS_TEMPLATE,
  ar: '{company}: يطلب {agent} رؤية شاشتك: {link} (صالح لمدة {minutes} دقيقة). إذا لم تتوقع ذلك فتجاهل الرسالة.',
  de: '{company}: {agent} möchte Ihren Bildschirm sehen: {link} (gültig {minutes} Min.). Unerwartet? Ignorieren Sie die SMS.',
  es: '{company}: {agent} pide ver su pantalla: {link} (caduca en {minutes} min). Si no lo esperaba, ignore este mensaje.',
  fi: '{company}: {agent} pyytää nähdä näyttösi: {link} (voimassa {minutes} min). Odottamaton? Jätä huomiotta.',
  fr: '{company} : {agent} demande à voir votre écran : {link} (valable {minutes} min). Inattendu ? Ignorez ce message.',
  he: '{company}: {agent} מבקש/ת לראות את המסך שלך: {link} (בתוקף {minutes} דק׳). לא ציפית? אפשר להתעלם.',
  it: '{company}: {agent} chiede di vedere il tuo schermo: {link} (valido {minutes} min). Inatteso? Ignora il messaggio.',
  ja: '{company}：{agent}が画面の共有を求めています：{link}（有効期間{minutes}分）。心当たりがなければ無視してください。',
  nl: '{company}: {agent} vraagt uw scherm te zien: {link} (geldig {minutes} min). Onverwacht? Negeer dit bericht.',
  pl: '{company}: {agent} prosi o podgląd Twojego ekranu: {link} (ważny {minutes} min). Nie spodziewasz się? Zignoruj.',
  pt: '{company}: {agent} pede para ver o seu ecrã: {link} (válido {minutes} min). Inesperado? Ignore esta mensagem.',
  sv: '{company}: {agent} vill se din skärm: {link} (giltig {minutes} min). Oväntat? Ignorera meddelandet.',
};

/** The language of the text for a customer: their locale's primary subtag when there is a text in it. */
export function smsLanguage(locale: string | undefined): string {
  const primary = locale?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return primary in SMS_TEMPLATES ? primary : 'en';
}
