using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>
    /// What the option rules look at: the parameters given (a switch given as $false and a $null value count as not
    /// given), the parameter set, and the facts a cmdlet derives from them (the kind of socket, TLS, the server mode).
    /// </summary>
    internal sealed class OptionFacts
    {
        private readonly HashSet<string> _given;

        public OptionFacts(PSCmdlet cmdlet)
            : this(cmdlet.MyInvocation.BoundParameters.Where(p => IsGiven(p.Value)).Select(p => p.Key), cmdlet.ParameterSetName)
        {
        }

        public OptionFacts(IEnumerable<string> given, string? parameterSet = null)
        {
            _given = new HashSet<string>(given, StringComparer.OrdinalIgnoreCase);
            ParameterSet = parameterSet;
        }

        public string? ParameterSet { get; }

        /// <summary>The kind of socket the command makes (or works on).</summary>
        public SocketProtocol Protocol { get; set; }

        /// <summary>Whether the command speaks TLS.</summary>
        public bool Tls { get; set; }

        /// <summary>The server mode asked for, by its parameter's name (Echo, Broadcast, Greeting, ScriptBlock); null for none.</summary>
        public string? Mode { get; set; }

        /// <summary>The parameters that apply only to TLS, for the rule that needs TLS for them.</summary>
        public string[] TlsOnly { get; set; } = new string[0];

        /// <summary>How to ask for TLS on this command, for the message of the rule that needs it.</summary>
        public string TlsRequest { get; set; } = "-UseTls or -StartTls";

        /// <summary>The error's target, unless the rule names its own.</summary>
        public object? Target { get; set; }

        public bool Given(string parameter) => _given.Contains(parameter);

        public bool AnyGiven(params string[] parameters) => parameters.Any(Given);

        public int CountGiven(params string[] parameters) => parameters.Count(Given);

        public string[] GivenOf(IEnumerable<string> parameters) => parameters.Where(Given).ToArray();

        private static bool IsGiven(object? value)
        {
            object? unwrapped = value is PSObject wrapped ? wrapped.BaseObject : value;
            return unwrapped != null && !(unwrapped is SwitchParameter flag && !flag.IsPresent);
        }
    }
}
