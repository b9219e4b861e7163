using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PSSocket.Runtime;
using Xunit;

namespace PSSocket.Tests.Runtime
{
    /// <summary>
    /// One test per reflection probe: on the runtime pwsh 7 runs on (the one these tests run on), every probe finds
    /// its member with the shape its caller uses. A probe that stops finding it fails here instead of turning a
    /// feature off without a word (Unix sockets, close_notify, cipher names, custom trust, PEM keys).
    /// </summary>
    public class RuntimeProbeTests
    {
        [Fact]
        public void UnixDomainSocketEndPointIsFoundAndTakesAPath()
        {
            Type type = Assert.IsAssignableFrom<Type>(RuntimeProbes.UnixDomainSocketEndPoint);
            var endPoint = (EndPoint)Activator.CreateInstance(type, "/tmp/probe.sock")!;
            Assert.Equal(AddressFamily.Unix, endPoint.AddressFamily);
        }

        [Fact]
        public void SslStreamShutdownAsyncIsFoundAndReturnsATask()
        {
            var method = Assert.IsAssignableFrom<System.Reflection.MethodInfo>(RuntimeProbes.SslStreamShutdownAsync);
            Assert.Equal(typeof(SslStream), method.DeclaringType);
            Assert.True(typeof(System.Threading.Tasks.Task).IsAssignableFrom(method.ReturnType));
        }

        [Fact]
        public void NegotiatedCipherSuiteIsFoundOnSslStream()
        {
            var property = Assert.IsAssignableFrom<System.Reflection.PropertyInfo>(RuntimeProbes.NegotiatedCipherSuite);
            Assert.Equal(typeof(SslStream), property.DeclaringType);
            Assert.True(property.PropertyType.IsEnum);
        }

        [Fact]
        public void ChainTrustModeIsFoundAndSettableToCustomRootTrust()
        {
            var property = Assert.IsAssignableFrom<System.Reflection.PropertyInfo>(RuntimeProbes.ChainTrustMode);
            using var chain = new X509Chain();
            property.SetValue(chain.ChainPolicy, Enum.ToObject(property.PropertyType, 1));
            Assert.Equal("CustomRootTrust", property.GetValue(chain.ChainPolicy)!.ToString());
        }

        [Fact]
        public void ChainCustomTrustStoreIsFoundAndHoldsCertificates()
        {
            var property = Assert.IsAssignableFrom<System.Reflection.PropertyInfo>(RuntimeProbes.ChainCustomTrustStore);
            using var chain = new X509Chain();
            Assert.IsType<X509Certificate2Collection>(property.GetValue(chain.ChainPolicy));
        }

        [Fact]
        public void CopyWithRsaKeyIsFound()
        {
            var method = Assert.IsAssignableFrom<System.Reflection.MethodInfo>(RuntimeProbes.CopyWithRsaKey);
            Assert.Equal(typeof(X509Certificate2), method.ReturnType);
            Assert.Equal(typeof(RSA), method.GetParameters()[1].ParameterType);
        }

        [Fact]
        public void CopyWithEcdsaKeyIsFound()
        {
            var method = Assert.IsAssignableFrom<System.Reflection.MethodInfo>(RuntimeProbes.CopyWithEcdsaKey);
            Assert.Equal(typeof(X509Certificate2), method.ReturnType);
            Assert.Equal(typeof(ECDsa), method.GetParameters()[1].ParameterType);
        }

        [Fact]
        public void ImportFromPemIsFoundWithOneCharSpan()
        {
            var method = Assert.IsAssignableFrom<System.Reflection.MethodInfo>(RuntimeProbes.ImportFromPem);
            Assert.Single(method.GetParameters());
            Assert.Equal(typeof(ReadOnlySpan<char>), method.GetParameters()[0].ParameterType);
        }

        [Fact]
        public void ImportFromEncryptedPemIsFoundWithTwoCharSpans()
        {
            var method = Assert.IsAssignableFrom<System.Reflection.MethodInfo>(RuntimeProbes.ImportFromEncryptedPem);
            Assert.Equal(2, method.GetParameters().Length);
            Assert.All(method.GetParameters(), p => Assert.Equal(typeof(ReadOnlySpan<char>), p.ParameterType));
        }

        [Fact]
        public void StringAsCharSpanIsFound()
        {
            var method = Assert.IsAssignableFrom<System.Reflection.MethodInfo>(RuntimeProbes.StringAsCharSpan);
            Assert.Equal(typeof(ReadOnlySpan<char>), method.ReturnType);
            Assert.Equal(typeof(string), method.GetParameters()[0].ParameterType);
        }

        [Fact]
        public void ThePemKeyImportersCompileFromTheProbes()
        {
            Assert.True(PSSocket.Tls.RuntimePemKeys.Available);
        }
    }
}
