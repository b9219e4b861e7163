namespace PSSocket.Binding
{
    /// <summary>Where one cmdlet takes a shared parameter: its parameter sets (none: all) and whether it is mandatory there.</summary>
    internal sealed class SharedParameterUse
    {
        public SharedParameterUse(SharedParameter parameter, string[] sets, bool mandatory)
        {
            Parameter = parameter;
            Sets = sets;
            Mandatory = mandatory;
        }

        public SharedParameter Parameter { get; }

        public string[] Sets { get; }

        public bool Mandatory { get; }
    }
}
