using System;
using System.Management.Automation;
using System.Net;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>Lets an EndPoint parameter take the written forms (127.0.0.1:53, [::1]:53, host:53, ./x.sock) as well as EndPoint objects.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class EndPointTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapper ? wrapper.BaseObject : inputData;
            switch (value)
            {
                case null:
                case EndPoint _:
                    return value;
                case string text:
                    EndPoint? endPoint = EndPointParser.TryParse(
                        text, path => engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path), out string? problem);
                    return endPoint ?? throw new ArgumentTransformationMetadataException(problem);
                default:
                    throw new ArgumentTransformationMetadataException(
                        $"A {value.GetType().Name} is not an end point; {EndPointParser.Forms}, or give an EndPoint object.");
            }
        }
    }
}
