using System;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PSSocket.Runtime
{
    /// <summary>
    /// Every member the module reaches by reflection, in one place. netstandard2.0 (the one build, loaded by both
    /// Windows PowerShell 5.1 and pwsh 7) cannot name these; the runtime pwsh 7 runs on has them all, and each
    /// caller falls back when a probe finds nothing. A test per probe asserts that pwsh 7's runtime has the
    /// member, so a probe that stops finding it (a renamed member, a changed signature) fails a test instead of
    /// silently turning a feature off.
    /// </summary>
    internal static class RuntimeProbes
    {
        /// <summary>System.Net.Sockets.UnixDomainSocketEndPoint (.NET Core 2.1 and later), in the assembly that holds Socket.</summary>
        public static readonly Type? UnixDomainSocketEndPoint =
            typeof(Socket).Assembly.GetType("System.Net.Sockets.UnixDomainSocketEndPoint", throwOnError: false);

        /// <summary>SslStream.ShutdownAsync(), which sends TLS's close_notify (.NET Framework 4.7, .NET Core 2.0 and later).</summary>
        public static readonly MethodInfo? SslStreamShutdownAsync = typeof(SslStream).GetMethod("ShutdownAsync", Type.EmptyTypes);

        /// <summary>SslStream.NegotiatedCipherSuite (.NET Core 3.0 and later).</summary>
        public static readonly PropertyInfo? NegotiatedCipherSuite = typeof(SslStream).GetProperty("NegotiatedCipherSuite");

        /// <summary>X509ChainPolicy.TrustMode (.NET 5 and later): CustomRootTrust makes only the given roots trusted.</summary>
        public static readonly PropertyInfo? ChainTrustMode = typeof(X509ChainPolicy).GetProperty("TrustMode");

        /// <summary>X509ChainPolicy.CustomTrustStore (.NET 5 and later): the roots CustomRootTrust trusts.</summary>
        public static readonly PropertyInfo? ChainCustomTrustStore = typeof(X509ChainPolicy).GetProperty("CustomTrustStore");

        /// <summary>RSACertificateExtensions.CopyWithPrivateKey (.NET Core 2.0, .NET Framework 4.7.2 and later).</summary>
        public static readonly MethodInfo? CopyWithRsaKey =
            typeof(RSACertificateExtensions).GetMethod("CopyWithPrivateKey", new[] { typeof(X509Certificate2), typeof(RSA) });

        /// <summary>ECDsaCertificateExtensions.CopyWithPrivateKey (.NET Core 2.0, .NET Framework 4.7.2 and later).</summary>
        public static readonly MethodInfo? CopyWithEcdsaKey =
            typeof(ECDsaCertificateExtensions).GetMethod("CopyWithPrivateKey", new[] { typeof(X509Certificate2), typeof(ECDsa) });

        /// <summary>AsymmetricAlgorithm.ImportFromPem(ReadOnlySpan&lt;char&gt;) (.NET 5 and later).</summary>
        public static readonly MethodInfo? ImportFromPem = CharSpanMethod("ImportFromPem", 1);

        /// <summary>AsymmetricAlgorithm.ImportFromEncryptedPem(ReadOnlySpan&lt;char&gt;, ReadOnlySpan&lt;char&gt;) (.NET 5 and later).</summary>
        public static readonly MethodInfo? ImportFromEncryptedPem = CharSpanMethod("ImportFromEncryptedPem", 2);

        /// <summary>String's implicit conversion to ReadOnlySpan&lt;char&gt; (.NET Core 2.1 and later), to call the PEM importers with.</summary>
        public static readonly MethodInfo? StringAsCharSpan =
            typeof(string).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name == "op_Implicit" && IsCharSpan(m.ReturnType));

        /// <summary>The instance overload of AsymmetricAlgorithm whose parameters are all ReadOnlySpan&lt;char&gt;.</summary>
        private static MethodInfo? CharSpanMethod(string name, int parameters)
        {
            try
            {
                return typeof(AsymmetricAlgorithm).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(m => m.Name == name
                        && m.GetParameters().Length == parameters
                        && m.GetParameters().All(p => IsCharSpan(p.ParameterType)));
            }
            catch (Exception e) when (e is TypeLoadException || e is NotSupportedException)
            {
                return null;
            }
        }

        private static bool IsCharSpan(Type type) =>
            type.IsGenericType && type.Name == "ReadOnlySpan`1" && type.GetGenericArguments()[0] == typeof(char);
    }
}
