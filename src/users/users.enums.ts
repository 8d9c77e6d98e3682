export { Role } from '../common/role';
