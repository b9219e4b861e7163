using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("PSSocket.Tests")]
