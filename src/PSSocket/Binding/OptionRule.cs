using System;
using PSSocket.Errors;

namespace PSSocket.Binding
{
    /// <summary>
    /// One rule of options that clash or need each other: when it is broken, the command stops with the error id
    /// and the message. <see cref="Examples"/> are command lines that break it (the rules' test runs each one).
    /// </summary>
    internal sealed class OptionRule
    {
        /// <summary>The key of the exception's Data entry naming the rule that stopped a command.</summary>
        public const string DataKey = "PSSocket.OptionRule";

        private readonly Func<OptionFacts, bool> _broken;
        private readonly Func<OptionFacts, string> _message;
        private readonly Func<OptionFacts, object?> _target;

        public OptionRule(string name, string errorId, Func<OptionFacts, bool> broken, Func<OptionFacts, string> message, string[] examples, Func<OptionFacts, object?>? target = null)
        {
            Name = name;
            ErrorId = errorId;
            _broken = broken;
            _message = message;
            _target = target ?? (facts => facts.Target);
            Examples = examples;
        }

        public string Name { get; }

        public string ErrorId { get; }

        public string[] Examples { get; }

        public bool IsBrokenBy(OptionFacts facts) => _broken(facts);

        public SocketSessionException Error(OptionFacts facts)
        {
            var error = new SocketSessionException(ErrorId, _message(facts), _target(facts));
            error.Data[DataKey] = Name;
            return error;
        }

        public override string ToString() => Name;
    }
}
