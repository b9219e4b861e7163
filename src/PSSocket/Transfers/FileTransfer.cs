using System;
using System.IO;
using System.Threading;
using PSSocket.Errors;
using PSSocket.Sessions;

namespace PSSocket.Transfers
{
    /// <summary>
    /// Moves files through a session in bounded memory: one reused buffer out, the session's receive buffer in.
    /// Every failure says how many bytes had moved.
    /// </summary>
    internal static class FileTransfer
    {
        public const int SendChunkSize = 1024 * 1024;

        /// <summary>Sends the whole file; <paramref name="observer"/> hears its size and the running total.</summary>
        public static long SendFile(SocketSession session, string path, CancellationToken cancellationToken, ITransferObserver? observer)
        {
            using FileStream file = OpenForReading(path);
            long length = file.Length;
            observer?.Started(length);
            var buffer = new byte[(int)Math.Min(SendChunkSize, Math.Max(length, 1))];
            long sent = 0;
            while (true)
            {
                int read;
                try
                {
                    read = file.Read(buffer, 0, buffer.Length);
                }
                catch (IOException e)
                {
                    throw new SocketSessionException(
                        ErrorIds.FileReadError, $"Reading '{path}' failed after {sent} of its {length} bytes were sent: {e.Message}", path, e);
                }

                if (read == 0)
                {
                    return sent;
                }

                try
                {
                    session.StreamFor("send a stream on").Send(buffer, 0, read, cancellationToken);
                }
                catch (SocketSessionException e) when (sent > 0 || e is SendIncompleteException)
                {
                    long total = sent + ((e as SendIncompleteException)?.BytesSent ?? 0);
                    throw new SendIncompleteException(
                        total, length, $"Sent {total} of the {length} bytes of '{path}': {e.Message}", session, e);
                }

                sent += read;
                observer?.Advanced(sent);
            }
        }

        /// <summary>
        /// Writes what arrives to a new file: <paramref name="count"/> bytes, or until the peer closes when null.
        /// The file is not created when its folder does not exist.
        /// </summary>
        public static long ReceiveFile(
            SocketSession session, string path, long? count, int idleTimeout, CancellationToken cancellationToken, ITransferObserver? observer)
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory != null && !Directory.Exists(directory))
            {
                throw new SocketSessionException(
                    ErrorIds.OutFileDirectoryNotFound, $"Cannot write '{path}': the folder '{directory}' does not exist.", path);
            }

            var receiver = session.StreamFor("receive a stream from").Receiver;
            long written = 0;
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new SocketSessionException(ErrorIds.FileWriteError, $"Cannot create '{path}': {e.Message}", path, e);
            }

            observer?.Started(count);
            using (file)
            {
                try
                {
                    return receiver.CopyTo(file, count, idleTimeout, cancellationToken, done =>
                    {
                        written = done;
                        observer?.Advanced(done);
                    });
                }
                catch (IOException e)
                {
                    throw new SocketSessionException(
                        ErrorIds.FileWriteError, $"Writing '{path}' failed after {written} bytes: {e.Message}", path, e);
                }
                catch (SocketSessionException e)
                {
                    throw new SocketSessionException(e.ErrorId, $"{e.Message} {written} bytes were written to '{path}'.", e.Target, e);
                }
            }
        }

        private static FileStream OpenForReading(string path)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new SocketSessionException(ErrorIds.PathNotFound, $"Cannot send '{path}': the file does not exist.", path, e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new SocketSessionException(ErrorIds.FileReadError, $"Cannot read '{path}': {e.Message}", path, e);
            }
        }
    }
}
