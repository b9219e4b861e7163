using System;
using PSSocket.Errors;

namespace PSSocket.Tls
{
    /// <summary>
    /// The innermost meaningful cause of a TLS failure: the runtime wraps the peer's alert two or three exceptions down
    /// ("The decryption operation failed, see inner exception." around "...:tlsv13 alert certificate required").
    /// Common alerts get their own error ids.
    /// </summary>
    internal static class TlsCause
    {
        /// <summary>The innermost message worth reading, without OpenSSL's error-code prefix or a closing period.</summary>
        public static string Describe(Exception error)
        {
            string message = error.Message;
            for (Exception? inner = error.InnerException; inner != null; inner = inner.InnerException)
            {
                if (!string.IsNullOrWhiteSpace(inner.Message))
                {
                    message = inner.Message;
                }
            }

            // OpenSSL: "error:0A00045C:SSL routines::tlsv13 alert certificate required"
            int routines = message.LastIndexOf("::", StringComparison.Ordinal);
            if (message.StartsWith("error:", StringComparison.Ordinal) && routines > 0)
            {
                message = message.Substring(routines + 2);
            }

            return message.Trim().TrimEnd('.');
        }

        /// <summary>The id of a common alert the peer sent, or null.</summary>
        public static string? AlertId(Exception error)
        {
            string cause = Describe(error).ToLowerInvariant();
            return cause.Contains("certificate required") ? ErrorIds.TlsClientCertificateRequired
                : cause.Contains("unknown ca") ? ErrorIds.TlsUnknownCertificateAuthority
                : cause.Contains("handshake failure") ? ErrorIds.TlsHandshakeFailed
                : null;
        }
    }
}
