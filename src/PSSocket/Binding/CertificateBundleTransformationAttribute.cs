using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Errors;
using PSSocket.Tls;

namespace PSSocket.Binding
{
    /// <summary>
    /// Binds -TrustedCertificate from certificates, and from paths of PEM bundles (or DER files), so
    /// `-TrustedCertificate ./ca-bundle.pem` trusts every certificate of the file, not only the first one as
    /// PowerShell's own conversion would.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class CertificateBundleTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var certificates = new List<X509Certificate2>();
            foreach (object value in PipelineValues.Flatten(inputData))
            {
                switch (value)
                {
                    case X509Certificate2 certificate:
                        certificates.Add(certificate);
                        break;
                    case X509Certificate other:
                        certificates.Add(new X509Certificate2(other));
                        break;
                    case string path:
                        certificates.AddRange(Load(engineIntrinsics, path).Cast<X509Certificate2>());
                        break;
                    case FileInfo file:
                        certificates.AddRange(Load(engineIntrinsics, file.FullName).Cast<X509Certificate2>());
                        break;
                    default:
                        return inputData; // PowerShell's own conversion says what is wrong with it
                }
            }

            return certificates.ToArray();
        }

        private static X509Certificate2Collection Load(EngineIntrinsics engineIntrinsics, string path)
        {
            try
            {
                string resolved = engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                return PemCertificates.LoadBundle(resolved);
            }
            catch (SocketSessionException e)
            {
                throw new ArgumentTransformationMetadataException($"{e.Message} ({e.ErrorId})", e);
            }
        }
    }
}
