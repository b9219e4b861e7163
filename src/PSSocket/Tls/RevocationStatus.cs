using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Tls
{
    /// <summary>The revocation verdict of a chain, as TlsInfo.RevocationStatus reports it.</summary>
    internal static class RevocationStatus
    {
        public const string NotChecked = "NotChecked";
        public const string Good = "Good";
        public const string Revoked = "Revoked";
        public const string Unknown = "Unknown";

        /// <summary>
        /// Chain flags that say revocation could not be decided (no CRL cached offline, no responder reached). They
        /// make the status Unknown but do not fail the check: offline that is the usual case, and failing on it would
        /// make -RevocationMode Offline unusable. A revoked certificate does fail.
        /// </summary>
        public const X509ChainStatusFlags UndecidedFlags = X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

        public static string From(X509RevocationMode mode, X509ChainStatusFlags problems)
        {
            if (mode == X509RevocationMode.NoCheck)
            {
                return NotChecked;
            }

            if ((problems & X509ChainStatusFlags.Revoked) != 0)
            {
                return Revoked;
            }

            return (problems & UndecidedFlags) != 0 ? Unknown : Good;
        }
    }
}
