using System;
using System.Globalization;
using System.Text;
using PSSocket.Errors;

namespace PSSocket.Text
{
    /// <summary>
    /// Maps the encoding names of pwsh 7's -Encoding (utf8, utf8BOM, utf8NoBOM, ascii, ansi, oem, unicode, ...) to
    /// encodings. Sends never write a byte order mark: utf8BOM is UTF-8 whose preamble is the BOM, as pwsh's is.
    /// </summary>
    internal static class EncodingResolver
    {
        public static readonly string[] KnownNames =
        {
            "utf8", "utf8BOM", "utf8NoBOM", "ascii", "ansi", "oem", "unicode", "bigendianunicode", "utf32", "bigendianutf32", "latin1",
        };

        /// <summary>
        /// The culture's ANSI or OEM code page, as pwsh names them; where the runtime has no code page encodings
        /// (a host that did not register them), the default encoding (UTF-8 on .NET Core).
        /// </summary>
        private static Encoding CodePage(int codePage)
        {
            try
            {
                return Encoding.GetEncoding(codePage);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException)
            {
                return Encoding.Default;
            }
        }

        public static Encoding Resolve(string name)
        {
            switch (name.Replace("-", string.Empty).ToLowerInvariant())
            {
                case "utf8":
                case "utf8nobom":
                case "default":
                    return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
                case "utf8bom":
                    return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
                case "ansi":
                    return CodePage(CultureInfo.CurrentCulture.TextInfo.ANSICodePage);
                case "oem":
                    return CodePage(CultureInfo.CurrentCulture.TextInfo.OEMCodePage);
                case "ascii":
                    return new ASCIIEncoding();
                case "unicode":
                case "utf16":
                case "utf16le":
                    return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
                case "bigendianunicode":
                case "utf16be":
                    return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
                case "utf32":
                case "utf32le":
                    return new UTF32Encoding(bigEndian: false, byteOrderMark: false);
                case "bigendianutf32":
                case "utf32be":
                    return new UTF32Encoding(bigEndian: true, byteOrderMark: false);
                case "latin1":
                case "iso88591":
                    return Encoding.GetEncoding(28591);
            }

            try
            {
                return int.TryParse(name, out int codePage) ? Encoding.GetEncoding(codePage) : Encoding.GetEncoding(name);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException)
            {
                throw new SocketSessionException(
                    ErrorIds.UnknownEncoding,
                    $"'{name}' is not a known encoding. Use one of {string.Join(", ", KnownNames)}, or a .NET encoding name or code page.",
                    name,
                    e);
            }
        }
    }
}
